"""Publication reports of an assessed season: HTML pages and a spreadsheet, in Chinese."""

from scoring.reports.render import ReportFiles, write_season_reports

__all__ = ["ReportFiles", "write_season_reports"]
