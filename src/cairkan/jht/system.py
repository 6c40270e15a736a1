"""The JHT tax-benefit system: parameters from YAML plus the variables, built once."""

from __future__ import annotations

import inspect
from functools import cache
from pathlib import Path

from openfisca_core.taxbenefitsystems import TaxBenefitSystem
from openfisca_core.variables import Variable

from cairkan.jht import variables
from cairkan.jht.entities import entities
from cairkan.jht.money import RupiahVariable

PARAMETERS = Path(__file__).parent / "parameters"


class JHTSystem(TaxBenefitSystem):
    def __init__(self) -> None:
        super().__init__(entities)
        self.load_parameters(str(PARAMETERS))
        for module in variables.MODULES:
            for _, member in inspect.getmembers(module, inspect.isclass):
                if (
                    issubclass(member, Variable)
                    and member not in (Variable, RupiahVariable)
                    and member.__module__ == module.__name__
                ):
                    self.add_variable(member)
        for generated in variables.documents.GENERATED:
            self.add_variable(generated)


@cache
def system() -> JHTSystem:
    return JHTSystem()
