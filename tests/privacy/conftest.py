# The breach tests' named people and clock, so that cases are made here the same way.
from tests.breaches.conftest import (  # noqa: F401
    _evidence_in_a_temporary_folder,
    _fixed_clock,
    pam,
    people,
    quinn,
    rosa,
    westbrook,
)
