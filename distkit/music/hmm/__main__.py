from distkit.music.hmm.model import main

main()
