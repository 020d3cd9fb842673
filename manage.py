#!/usr/bin/env python
"""Django's command-line utility; the same as the `deskpemilu` console command."""

from deskpemilu.cli import main

if __name__ == "__main__":
    main()
