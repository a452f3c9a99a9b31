"""What a user's text asks to be checked: compound claims split into parts (`decompose`), statements with
nothing checkable told apart (`checkworthiness`), verdicts on the parts combined (`compound`), claims found
in a longer text (`in_text`), and questions read (`questions`) and answered from quoted sentences (`answers`).
Rules only: no model is loaded here."""
