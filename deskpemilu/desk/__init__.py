"""The desk put together, above every domain app: the home page (the situation
dashboard under the election's stage card) and loading the bundled Banten data
(`deskpemilu load_banten`). Nothing below imports it."""
