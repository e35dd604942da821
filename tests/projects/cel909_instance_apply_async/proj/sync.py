import celery


class SyncContacts(celery.Task):  # expect: CEL909
    def run(self, account_id, full=False):
        return account_id, full
