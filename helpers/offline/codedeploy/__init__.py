"""CodeDeploy, owned by the emulator: ``models.py`` holds state, ``responses.py`` the API."""
