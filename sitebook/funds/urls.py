app_name = "funds"

# Mounted under projects/<int:project_id>/funds/. Pages are added by views.py.
urlpatterns: list = []
