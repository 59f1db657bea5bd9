from distkit.cli import main

main()
