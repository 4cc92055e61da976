"""The one error a user can cause while exporting, importing or uploading a sketch."""
from simulator.errors import UserError


class ExportError(UserError):
    """A brain, profile, name or toolchain problem, said in one line that names the fix."""
