"""distkit-styles: harmonizers trained on music21 corpora in other styles than Bach."""
