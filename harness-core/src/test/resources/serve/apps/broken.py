"""A Serve application that cannot be imported: the RayService must report DEPLOY_FAILED."""
import module_that_does_not_exist  # noqa: F401
