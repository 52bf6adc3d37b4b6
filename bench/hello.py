"""The bare Flask app the benchmark compares every page with: one route, no database."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, World!"
