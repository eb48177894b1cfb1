"""Built-in plugins: ordinary pluggy plugin modules, registered like third-party ones."""
