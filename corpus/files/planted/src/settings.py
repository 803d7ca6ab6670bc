DEBUG = False
DB_PASSWORD = "Fu4nWXRwo02QqznesoS9"
ALLOWED_HOSTS = ["shop.internal"]
