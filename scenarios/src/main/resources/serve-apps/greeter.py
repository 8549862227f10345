"""A Serve application for the harness's RayService tests: answers "<greeting>, <GREETER_VERSION>"."""
import os

from ray import serve


@serve.deployment(ray_actor_options={"num_cpus": 0.1})
class Greeter:
    def __init__(self, greeting: str):
        self.greeting = greeting

    async def __call__(self, request) -> str:
        return f"{self.greeting}, {os.environ.get('GREETER_VERSION', 'v1')}"


def app(args):
    return Greeter.bind(args.get("greeting", "hello"))
