from vericlaim.cli import main

main()
