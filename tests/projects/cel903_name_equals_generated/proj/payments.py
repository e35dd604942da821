from proj.celery_app import app


@app.task(name="proj.billing.charge")
def charge_card(card_id, amount):  # expect: CEL903
    return card_id, amount


@app.task(name="proj.payments.refund")
def refund(payment_id):
    return payment_id
