import os

DB_PASSWORD = os.environ["DB_PASSWORD"]
API_TOKEN = os.getenv("API_TOKEN")
SECRET_KEY = get_secret("django")
password = ""
# enter your password below
