"""nbgrader configuration for the course (read from the repository root).

solutions/ is the source (instructor versions with solutions and hidden tests); labs/ is the
release (student versions, generated, never edited by hand: `make labs`).
"""

c = get_config()  # noqa: F821 - provided by nbgrader

c.CourseDirectory.course_id = "never-reproduced"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "labs"
# The gradebook stays out of git (see .gitignore); CI uses a scratch one.
c.CourseDirectory.db_url = "sqlite:///gradebook.db"
# Only notebooks go into a release: nothing a solution run leaves in its folder leaks to students.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "*.pt", "*.png", "*.csv", "*.json"]

# Per-cell time limit while autograding: generous for the slowest honest cell (a few seconds on
# a 2-core CPU), short enough that a student's infinite loop costs one minute per cell that calls it.
c.Execute.timeout = 60
c.Execute.interrupt_on_timeout = True

# Keep labs identical no matter where the solution was last run (JupyterLab adds timing metadata).
c.ClearOutput.remove_metadata_fields = ["collapsed", "scrolled", "execution", "ExecuteTime"]
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}

# A course-local exchange, so that `make lab` can release the labs and JupyterLab's Assignments
# panel lists them on a laptop with no shared /srv/nbgrader (git-ignored; a course server sets its own).
import os  # noqa: E402

c.Exchange.root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "build", "exchange")
