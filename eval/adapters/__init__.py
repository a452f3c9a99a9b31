"""One module per public claim set, each turning the authors' files into a `Dataset`.

`eval.datasets` is the public entry point; these modules are its parts.
"""
