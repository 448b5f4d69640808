"""``workbench serve``: the review app in browsers (textual-serve, a process a session) behind
HTTP Basic sign-ins kept in the workspace. It starts the app as a command; it never imports it."""
