"""The site: Datasette metadata, the data dictionary, the downloads, serve and publish."""
