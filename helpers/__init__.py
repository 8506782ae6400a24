"""Code Services Workbook helpers: the workbench, frames, charts, cleanup and the offline emulator.

Importing this package does nothing else: no AWS calls, no endpoint, no plot settings.
"""

__version__ = "0.1.0"
