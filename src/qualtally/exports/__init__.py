"""Files methodologists hand around: coded-excerpts CSV, XLSX workbook, HTML report."""
