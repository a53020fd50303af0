# nbgrader configuration for a course built from these lessons.
#
# Copy this file into your nbgrader course directory, put the instructor
# editions (lessons/NN_*.ipynb) in source/<assignment>/ and run
# `nbgrader generate_assignment <assignment>`: the release is the student
# edition that lessons/build.py writes to lessons/student/ (checked in
# tests/test_lessons_nbgrader.py).
c = get_config()  # noqa: F821 - provided by nbgrader when it reads this file

# Students run the notebook top to bottom before answering: a solution region
# becomes a comment (nbgrader's default stub raises NotImplementedError).  Each
# answer cell sets its variable to None before the region, so an unanswered
# exercise shows "no answer yet" and its hidden test scores 0.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE"}

# Autograding executes each notebook handed in; some lesson cells run a network for
# tens of seconds (longer on a busy machine), past nbgrader's default of 30 s per cell,
# which would score a right answer 0.
c.Execute.timeout = 600
