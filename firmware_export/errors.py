"""The one error a user can cause while exporting, importing or uploading a sketch."""
from brain.errors import NeurocarError


class ExportError(NeurocarError):
    """A brain, profile, name or toolchain problem, said in one line that names the fix."""
