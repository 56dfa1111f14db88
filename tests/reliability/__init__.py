"""A failing cloud: the actions, entry setup and the config flow under every fault the simulator can make.

Every failure must reach the user as a translated message (never a traceback), leave a loaded entry loaded, and end
setup in a retry or a reauth as fits. Binds and shares are sent once (a resend happens only after the cloud rejected
the token, which it does before acting); reads are retried with backoff. A rejected password never turns into a
stream of logins that would lock the account.
"""
