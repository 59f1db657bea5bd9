"""distkit-bach: a Bach-trained U-Net GAN that writes alto, tenor and bass under a melody."""

from __future__ import annotations

__version__ = "0.1.0"
