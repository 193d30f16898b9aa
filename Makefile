# The two commands of the course (see README.md).
.PHONY: lab test env

# Create the environment (first time only) and open the course in JupyterLab.
lab:
	bash scripts/lab.sh

# Create the environment (first time only) and run every test.
test:
	bash scripts/test.sh

env:
	bash scripts/setup-env.sh
