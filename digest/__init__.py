"""The weekly digest e-mail: preferences, building, delivery exactly once, unsubscribe."""
