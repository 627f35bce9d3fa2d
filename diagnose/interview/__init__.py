"""The terminal interview: ask the questionnaire, saving the answer file after every answer.

- `typed`: turns what a person typed (a number, "1,3", "dk") into the raw value that
  `Question.parse` checks, so typed and file answers share one checker and one message.
- `marks`: the end-of-line comments that mark answers a show-if now hides.
- `session`: the question loop's state (order, position, back, review, resume), with no
  knowledge of how a question is displayed.
- `prompts`: front ends: questionary (arrow keys) and plain numbered text.
- `run`: opening or resuming a file, signals, the loop itself, the report offer.
"""
