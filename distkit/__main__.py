from distkit.entry import main

main()
