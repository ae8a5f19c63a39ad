"""Migration: the last steps of every ``copier update``, in one process.

Run by ``copier update`` after every update (the ``after``-stage entry in
``copier.yml`` ``_migrations``, without a version), with copier's own Python,
in the real project. One entry rather than one per step: each entry starts
another interpreter, which costs every update about 50 ms.

1. ``keep_team_files``: a template file new at a path where the team keeps its
   own file leaves the team's file as it is and puts the template's beside it.
2. ``sync_lifecycle``: the project's own, just updated ``tools/lifecycle.py
   sync`` adds the sections the new process or new answers require to the
   team's documents, so the lifecycle check stays green. It never fails the update.
"""

from __future__ import annotations

import sys

import keep_team_files  # the files beside this one: Python puts this folder on sys.path
import sync_lifecycle

if __name__ == "__main__":
    keep_team_files.main()
    sys.exit(sync_lifecycle.main())
