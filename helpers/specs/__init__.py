"""Parse and validate the files the Code services read (buildspec, appspec, pipeline), with errors
that name the file, the line and the fix. Pure: nothing here calls AWS."""
