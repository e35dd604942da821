from app.jobs.export import export_csv

__all__ = ("export_csv",)
