# The user's own code, as an image built FROM rayproject/ray would hold it at /app.
import ray

ray.init()


@ray.remote
def square(x):
    return x * x


print("trained on Ray", ray.__version__, "sum of squares", sum(ray.get([square.remote(i) for i in range(4)])))
