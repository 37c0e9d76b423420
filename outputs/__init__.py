"""Maps, contact trees, PDFs, reports and GIS exports of a plan."""
