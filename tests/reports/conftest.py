"""The reports read what the other apps made: their fixtures and helpers, and the breach
tests' clock (noon on Wednesday 18 March 2026)."""

from tests.breaches.conftest import (  # noqa: F401 (fixtures, found by name)
    _evidence_in_a_temporary_folder,
    _fixed_clock,
    pam,
    people,
    quinn,
    rosa,
    westbrook,
)
from tests.declarations.conftest import acme  # noqa: F401
