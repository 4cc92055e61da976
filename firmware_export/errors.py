"""The one error a user can cause while exporting, importing or uploading a sketch."""
from simulator.cli import UserError


class ExportError(UserError):
    """A brain, profile, name or toolchain problem, said in one line that names the fix."""
