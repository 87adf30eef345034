"""saasaisite: a self-hostable, multi-tenant AI chat bot for your website."""
