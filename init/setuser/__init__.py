"""setuser USER COMMAND [ARGS...]: run a command as another user, with that user's HOME."""
