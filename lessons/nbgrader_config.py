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
