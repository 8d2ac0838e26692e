"""mlfunc-wizard: deploy an ML model as an Azure Functions app with a Redis inference cache."""

__version__ = "0.1.0"
