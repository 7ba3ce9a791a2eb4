"""reportqa: a bilingual question-answering assistant over official reports.

The stages live in sibling packages (`corpus`, `index`, `qa`, `api`, `eval`);
this package holds what they share: the data types and the command line.
"""

__version__ = "0.1.0"
