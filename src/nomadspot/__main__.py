from nomadspot.cli import main

main()
