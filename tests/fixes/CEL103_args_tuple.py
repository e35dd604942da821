from celery import shared_task


@shared_task
def index_document(doc_id, name="é"):
    ...


def reindex(doc_id, émoji):
    index_document.apply_async(args=(doc_id), countdown=1); index_document.apply_async((émoji), countdown=2)
    index_document.apply_async(args=("é"), countdown=3)
    index_document.apply_async(args=(
        doc_id  # the document
    ))
    index_document.apply_async(args="text")  # not parenthesised: reported, no fix
