"""diagnose: recommend a sales-department structure from a client's answers.

The pipeline is questionnaire -> answers -> rules -> diagnosis -> report; each stage
lives in its own module (see docs/ARCHITECTURE.md).
"""

__version__ = "0.1.0"
