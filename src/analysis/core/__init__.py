"""Foundations every layer uses: errors, quarter calendars, exact cents, column names,
shipped files."""
