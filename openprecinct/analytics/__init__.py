"""Pure numerical library: CompStat, hotspots, forecasting, patrol models.

This package never imports Django (a test enforces it), so it runs the same on a CSV
file from the command line, behind the web application and on a worker elsewhere.
"""
