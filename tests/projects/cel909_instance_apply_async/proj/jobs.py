from proj.sync import SyncContacts


def nightly(account_ids):
    return [SyncContacts().apply_async((account_id,), {"full": True}) for account_id in account_ids]
