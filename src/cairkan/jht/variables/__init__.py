"""The JHT legislation as OpenFisca variables: inputs, one variable per condition, amounts,
tax, channels and documents."""

from cairkan.jht.variables import amounts, channels, conditions, documents, inputs

MODULES = (inputs, conditions, amounts, channels, documents)
