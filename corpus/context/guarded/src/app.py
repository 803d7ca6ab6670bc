import os

print(os.environ.get("PORT", "8080"))
