"""The professional area (`/pro/`): the network's members, structures' internal details, pro events."""
